"""The Qt desktop program. Talks to the data only through services in `jobraad`."""
