"""Building blocks for the demo and synthetic catalogues.

``suppliers``, ``services`` (joining the ``catalogue_*`` text modules) and ``dps`` hold the
hand-written Norwegian content of the demo catalogue; ``parts`` the reusable text fragments of
the terms (NSM "how" texts, liability notes, sub-processors); ``builders`` the code both
loaders share to turn a supplier profile into coherent, valid terms; ``vocabulary`` the word
lists and templates of the synthetic catalogue.
"""
