"""Figure builders, one module per subject: plain frames in, plotly figure out, no Streamlit."""
