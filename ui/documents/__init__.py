"""The 进展通报's files: Word report, Excel annex, chart pictures, PDF; pure builders, no Streamlit.

The page and `paicha report` render the same files with these functions.
"""
