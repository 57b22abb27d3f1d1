"""The ways in: the `newsqa` command line and the Gradio chat."""
