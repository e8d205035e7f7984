"""The people directory: who may sign in, with which role, mirrored from WeCom contacts."""
