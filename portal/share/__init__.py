"""The candidate's side of an interview: the share-link page's use cases."""
