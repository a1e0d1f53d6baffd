"""The website: Pelican's readers, generators and writer for pages in every language."""
