"""The build machinery: an atomic build, and the one seam for caching and parallel work."""
