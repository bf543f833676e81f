"""Norwegian full-text search over the catalogue, built on Whoosh.

- ``analysis``  – Norwegian text analysis (folding, stop words, compounds, guarded stemming)
- ``schema``    – the Whoosh schema and the facets, generated from the terms registry
- ``documents`` – what the index holds per entity, read from the database (a small registry)
- ``store``     – the index directory, the atomic swap and the log position kept in the index
- ``indexer``   – the only writer: follows the change log, or rebuilds from scratch
- ``reader``    – the read-only, reusable handle web processes search with
- ``query``     – the search API: ``SearchRequest`` → ``search(index, request)`` → ``SearchResult``
- ``cli``       – ``flask --app marketplace index rebuild|follow|catchup|status``
"""
