"""The tabs of the citizen's file (`ui.citizen_file` holds them), one module per tab, and
the record list that the tabs with create/edit/delete lists share."""
