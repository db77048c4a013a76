"""
Bringing articles and their discussions in from other systems, and taking them out.

Readers turn a file into plain records (`wordpress.py`: a WordPress WXR export);
`importing.py` writes records of any source into our models, once.
"""
