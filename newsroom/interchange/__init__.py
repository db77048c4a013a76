"""
Bringing articles and their discussions in from other systems, and taking them out.

Readers turn a file into plain records (`wordpress.py`: a WordPress WXR export;
`disqus.py`: a Disqus export); `importing.py` writes records of any source into our
models, once. `exporting.py` writes the site out as WXR or JSON.
"""
