"""The case list as a file, one module per part of the work.

This package holds no names of its own: import each from the module that defines it.
"""
