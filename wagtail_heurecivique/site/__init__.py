"""The public site: page models, their routes, forms, blocks, choosers and feeds."""
