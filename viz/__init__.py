"""Browser dashboard of the Flywheel model (Solara, driving the Mesa model).

``viz.app`` is the page, ``viz.server`` starts it (``make viz``), ``viz.assets`` fills the
offline front-end cache; the panels live in ``viz.plots``, ``viz.network``, ``viz.seller_map``
and ``viz.status``.
"""
