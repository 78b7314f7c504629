"""The council service's pure domain (协商议事会、确定议题、议前调研): no I/O, time passed in."""
