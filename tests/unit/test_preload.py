"""The Link header names Streamlit's own chart and table scripts, under the server's URL path."""

from __future__ import annotations

import re

from ui import preload


def test_the_header_names_each_preloaded_script_that_this_streamlit_ships():
    links = re.findall(r"<([^>]+)>; rel=modulepreload", preload.link_header())
    assert sorted(link.rsplit("/", 1)[1].split(".")[0] for link in links) == sorted(preload.PRELOADED)
    assert all((preload.STATIC / link.rsplit("/", 1)[1]).is_file() for link in links)
    assert all(link.startswith("/static/js/") for link in links)


def test_a_server_under_a_path_preloads_under_it():
    assert all(link.startswith("/paicha/static/js/")
               for link in re.findall(r"<([^>]+)>", preload.link_header("/paicha/")))
