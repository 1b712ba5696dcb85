"""Pictures of computation graphs and of training (see issue: visualizer)."""
