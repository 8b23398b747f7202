module zhiyin

go 1.26
