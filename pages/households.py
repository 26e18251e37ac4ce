"""农户清单: who has not been reached, who should be monitored but is not, and lists for the field."""

import streamlit as st

from paicha.household_lists import ListRequest
from paicha.vocab import HouseholdList
from ui import cache, keys
from ui import households as sections
from ui.forms import households as forms
from ui.session import page_start
from ui.text import t
from ui.unmask import unmask_reason

session = page_start("households.title")
scope, as_of, version = session.scope, session.as_of, session.version
places = cache.household_places(scope, version)

# Filters come from the query string when a link brought them, and go back into it.
forms.arrive(scope, places)
with st.expander(t("households.filters"), expanded=True, icon=":material/filter_alt:"):
    filters = forms.filters(scope, places)
counts = cache.household_counts(scope, as_of, filters, version)
which = forms.list_choice(counts)
request = ListRequest(which, filters, st.session_state.get(keys.HOUSEHOLDS_DETAIL))
forms.remember(request)
place = sections.place_text(session, places, filters)
sections.list_caption(session, which, counts, place)
reason = unmask_reason(session, keys.HOUSEHOLDS_UNMASK, keys.HOUSEHOLDS_UNMASK_REASON)

if which is HouseholdList.zero_monitoring_villages:
    sections.village_list(session, filters, counts, place)
else:
    shown = sections.household_list(session, request, counts, reason, place)
    sections.household_detail(session, shown, reason)
sections.pipeline(session, places, filters)
