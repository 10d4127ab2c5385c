"""The domain's models (communes, people, needs, proposals, consents, catalogue, ledger).

Django finds every model of the app through ``wagtail_heurecivique.models``, which
gathers these and the page models of ``site``.
"""
