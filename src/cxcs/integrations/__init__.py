"""Running cxcs inside the engines users already have: Spark and Dask.

``cxcs.integrations.spark.classify_spark`` and ``cxcs.integrations.dask.classify_dask`` map
:func:`cxcs.frames.classify_frame` over a distributed frame. The knowledge base is loaded once
on the driver and shipped to the workers (:mod:`cxcs.integrations.ship`), so workers never
read knowledge files or write a cache.
"""
