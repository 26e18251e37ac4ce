"""Forms, one module per subject: groups of widgets that return what the user asked for."""
