"""Widget pieces every activity's views share: notices, batched redraws, lists updated in
place (:mod:`.keyed`), the participant panel base and the wiring a hub gives its parts. Below
the activities, above the store and the live feed."""
