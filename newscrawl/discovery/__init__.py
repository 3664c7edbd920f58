"""What a START is and what it lists: documents, sitemaps, feeds, HTML listings, URL shape."""
