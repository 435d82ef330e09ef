# Builds static/datasets/titanic.csv and static/datasets/diamonds.csv from Debian's R packages.
#   apt-get install -y r-base-core r-cran-cardata r-cran-ggplot2
#   Rscript scripts/datasets/build-titanic-diamonds.R
# Values are copied unchanged; only the Titanic passenger names (the data frame's row names) become
# a `name` column, the class column is renamed to snake_case, and NA is written as an empty field.
suppressMessages({
  library(carData)
  library(ggplot2)
})
out <- file.path("static", "datasets")

titanic <- data.frame(
  name = rownames(TitanicSurvival),
  survived = TitanicSurvival$survived,
  sex = TitanicSurvival$sex,
  age = TitanicSurvival$age,
  passenger_class = TitanicSurvival$passengerClass,
  stringsAsFactors = FALSE
)
write.csv(titanic, file.path(out, "titanic.csv"), row.names = FALSE, na = "")

d <- as.data.frame(diamonds)
for (column in c("cut", "color", "clarity")) d[[column]] <- as.character(d[[column]])
write.csv(d, file.path(out, "diamonds.csv"), row.names = FALSE, na = "", quote = FALSE)

cat(sprintf("titanic.csv: %d rows, %d missing ages; diamonds.csv: %d rows\n",
            nrow(titanic), sum(is.na(titanic$age)), nrow(d)))
cat(sprintf("carData %s, ggplot2 %s\n", packageVersion("carData"), packageVersion("ggplot2")))
