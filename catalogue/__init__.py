"""Domain logic of the marketplace: the catalogue of suppliers, services and their terms.

Plain Python: nothing in this package reads a Flask request.
"""
