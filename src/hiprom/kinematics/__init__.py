"""Pure numpy/scipy kinematics over ``(n_frames, ...)`` arrays; no video, no I/O."""
