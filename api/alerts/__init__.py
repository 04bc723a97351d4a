"""Alert delivery: each subscription's new matches by email, signed webhook and Atom feed."""
