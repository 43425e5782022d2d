//! Writing a rendered site to disk atomically: built beside the target, swapped in on success.
