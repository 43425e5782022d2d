//! The content's history from git (git2), gathered in one walk for the whole site.
