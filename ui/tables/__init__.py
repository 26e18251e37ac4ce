"""Display frames, one module per subject: domain frames in, Chinese-headed frames out, no Streamlit."""
