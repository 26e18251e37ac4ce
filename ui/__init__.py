"""Drawing the pages: session and sidebar, widgets, display tables, figures, maps and documents."""
