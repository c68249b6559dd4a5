"""Pure numpy/scipy analysis (events, onsets, flags) over time series; no video, no I/O."""
