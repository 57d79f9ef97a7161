"""What the framework callback handlers (:mod:`portkey.langchain`, :mod:`portkey.llamaindex`)
share: the log record of one LLM call (:mod:`.records`) and the background exporter that sends
records to Portkey's logging API in batches (:mod:`.exporter`).

Nothing here imports LangChain or LlamaIndex; ``import portkey`` imports nothing here.
"""
