"""Tables: an article's text becomes the four evidence-backed tables (casualties, drone_counts,
statements, deployments) with their declared schemas."""
