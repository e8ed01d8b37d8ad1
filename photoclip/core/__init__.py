"""The headless core of photoclip: catalog, indexing, vectors, search and models.

Nothing under this package imports Qt, and torch/open_clip are imported only inside the
functions that run the model, so importing the core is quick.
"""
