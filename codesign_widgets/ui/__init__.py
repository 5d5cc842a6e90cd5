"""Widget pieces every activity's views share: escaped text, notices, batched redraws and the
participant panel base. Below the activities, above the store and the live feed."""
