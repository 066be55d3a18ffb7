"""What COUNTER 5 and 5.1 define that the reader checks: the releases, the report families (a
standard view shares its master report's layout) and each family's metric types."""

from __future__ import annotations

RELEASES = {"5": "counter5", "5.0": "counter5", "5.1": "counter51"}
FAMILIES = {"TR": "TR", "TR_B1": "TR", "DR": "DR", "DR_D1": "DR", "PR": "PR", "PR_P1": "PR"}
# The metric types COUNTER 5 and 5.1 define for each master report and its standard views.
METRICS = {
    "TR": {"Total_Item_Investigations", "Total_Item_Requests", "Unique_Item_Investigations", "Unique_Item_Requests",
           "Unique_Title_Investigations", "Unique_Title_Requests", "Limit_Exceeded", "No_License"},
    "DR": {"Searches_Automated", "Searches_Federated", "Searches_Regular", "Total_Item_Investigations",
           "Total_Item_Requests", "Unique_Item_Investigations", "Unique_Item_Requests", "Limit_Exceeded",
           "No_License"},
    "PR": {"Searches_Platform", "Total_Item_Investigations", "Total_Item_Requests", "Unique_Item_Investigations",
           "Unique_Item_Requests", "Unique_Title_Investigations", "Unique_Title_Requests"},
}
