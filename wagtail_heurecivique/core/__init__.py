"""The domain: models, querysets, scoping, personal data, audit, tokens, validators, enums.

The lowest layer: it imports nothing else of the plugin, and tells the layers above
what happened through ``core.signals``.
"""
