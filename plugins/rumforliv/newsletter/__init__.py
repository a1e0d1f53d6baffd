"""The printed newsletter: issues, PDFs and the booklet."""
