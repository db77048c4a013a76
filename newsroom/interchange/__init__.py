"""
Articles and discussions in and out of other systems: exports (`exporting`) in
WordPress's WXR and in JSON, imports from WordPress and Disqus. Driven by the
management commands export_wordpress, export_json and import_*.
"""
