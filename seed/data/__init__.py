"""Building blocks for the demo and synthetic catalogues.

``suppliers`` and the ``catalogue_*`` modules hold the hand-written Norwegian text of the demo
catalogue; ``parts`` the reusable text fragments of the terms (NSM "how" texts, liability
notes, sub-processors); ``builders`` the code both loaders share to turn a supplier profile
into coherent, valid terms; ``vocabulary`` the word lists of the synthetic catalogue.
"""
