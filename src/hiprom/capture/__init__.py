"""Where data enters: video decoding, the pose model, person tracking, the pelvis card, the landmark
cache and the video encoder. Everything downstream works on :class:`hiprom.landmarks.LandmarkSeries`."""
