# make-jw-fixture.R — writes jw-fixture.csv, the reference values that
# test-jw.c holds tg_jaro_winkler to.
#
# The reference is R's stringdist: jw = 1 - stringdist(a, b, method = "jw",
# p = 0.1) (bt = 0, the default), printed with 15 significant digits.  The
# pairs are ASCII upper-case name keys as `tergeu name-key` makes them
# (KAIRAT NURSULTANOVICH ISAEV), hand-picked edge cases, and variants of
# real keys (deletions, insertions, substitutions, adjacent swaps, doubled
# letters, cut endings, transliteration slips such as ZH -> J)
# drawn with a fixed seed, so the fixture is the same on every run.
#
# Run from the repository root:
#   apt-get install -y r-base-core r-cran-stringdist
#   Rscript tests/unit/link/make-jw-fixture.R
#
# Made with R 4.2.2 (Debian r-base-core 4.2.2.20221110-2) and stringdist
# 0.9.10 (Debian r-cran-stringdist 0.9.10-1).  Another stringdist version
# may give other values: the script says so when it runs on one.

suppressPackageStartupMessages(library(stringdist))

made_with <- "0.9.10"
if (as.character(packageVersion("stringdist")) != made_with)
  message("note: the fixture was made with stringdist ", made_with,
          ", this is ", packageVersion("stringdist"))

# sample() changed in R 3.6; name the generators so the draw never moves.
RNGkind("Mersenne-Twister", "Inversion", "Rejection")
set.seed(20240611)

# Real keys: given names, patronymics and family names as they come out of
# the name-key transliteration of Kazakh and Russian lists.
given <- c(
  "NURSULTAN", "NURLAN", "KAIRAT", "ERLAN", "SERIK", "MARAT", "ASKAR",
  "BOLAT", "BAUIRZHAN", "ERZHAN", "MURAT", "DAUREN", "ARMAN", "AZAMAT",
  "DARKHAN", "ZHANDOS", "TALGAT", "KANAT", "GALIMZHAN", "ERGALI",
  "SHINGIS", "ILYAS", "ABILKAIR", "KUDAIBERGEN", "AMANZHOL", "MAKHAMBET",
  "AIGUL", "GULMIRA", "SALTANAT", "ZHULDIZ", "AIZHAN", "DINARA", "MADINA",
  "GAUKHAR", "ZHANNA", "ULZHAN", "TOMIRIS", "MERUERT", "SHOLPAN", "ALIYA",
  "VLADIMIR", "VLADISLAV", "VALENTINA", "LYUBOV", "YULYA", "TIKHON")
patronymic <- c(
  "KAIRATOVICH", "NURSULTANOVICH", "SERIKOVICH", "MARATOVNA",
  "NURSULTANOVNA", "ASKAROVNA", "SERIKULI", "KUANISHBEKIZI", "ERLANULI",
  "BOLATKIZI", "VLADIMIROVICH", "ALEKSANDROVNA")
family <- c(
  "ISAEV", "AKHMETOV", "AKHMETOVA", "NAZARBAEV", "ZHUMABAEV", "SEITKALEV",
  "KOZHAKHMETOV", "BOKEIKHANOV", "UALIKHANOV", "ZHANUZAKOV", "KADIRBAEV",
  "TAIMANOV", "KHAMITOV", "DUISEBAEV", "ZHARMAGAMBETOV", "SULEIMANOV",
  "IBRAGIMOV", "VOLKOV", "NIKITIN", "ALEKSANDROV", "MEDVEDEV", "SIDOROV",
  "KOVALENKO", "MARCHENKO", "GNATYUK", "ZHUKOVICH", "PONOMAREV", "KUDRYAVCHEV")
keys <- c(given, patronymic, family)

a <- character(0)
b <- character(0)
add <- function(x, y) {
  a <<- c(a, x)
  b <<- c(b, y)
}

# --- Hand-picked edge cases -------------------------------------------------

# identical
for (k in c("A", "ISAEV", "NURSULTAN", "KAIRATOVICH", "ISAEV NURSULTAN KAIRATOVICH"))
  add(k, k)
# empty against non-empty, both empty
add("", "")
add("", "A")
add("ISAEV", "")
add("", "KAIRATOVICH")
# single letters
add("A", "B")
add("A", "AB")
add("B", "AB")
add("A", "BA")
add("A", "BAAA")
add("Z", "ZHANNA")
add("AB", "BA")
add("AB", "AC")
# no common letters
add("ABC", "XYZ")
add("KUL", "ISAEV")
add("MIRAS", "TOLKYN")
add("BOLAT", "ZHUMIS")
# transpositions
add("MARTHA", "MARHTA")
add("DWAYNE", "DUANE")
add("DIXON", "DICKSONX")
add("JONES", "JOHNSON")
add("CRATE", "TRACE")
add("ISAEV", "ISEAV")
add("ISAEV", "SIAEV")
add("NURSULTAN", "NURSLUTAN")
add("AKHMETOV", "AKHEMTOV")
add("KAIRATOVICH", "KIARATOVICH")
add("ABCVWXYZ", "CABVWXYZ")
add("ABCDEF", "FEDCBA")
add("ABCDEFGHIJ", "JIHGFEDCBA")
# matches in the prefix only, and one string the prefix of the other
add("ABCDWXYZ", "ABCDEFGH")
add("SERIK", "SERZHAN")
add("NURLAN", "NURMUKHAMED")
add("ZHAN", "ZHANUZAKOV")
add("ISAEV", "ISAEVA")
add("AKHMETOV", "AKHMETOVA")
add("KAIR", "KAIRATOVICH")
add("AB", "ABCDEFGHIJ")
# same letters, different first letter: no Winkler boost
add("XSAEV", "ISAEV")
add("ERLAN", "NURLAN")
# repeated letters
add("AA", "AAAA")
add("AAAAA", "AAAAAAAAAA")
add("AAAB", "BAAA")
add("ABABABAB", "BABABABA")
add("ANNA", "ANA")
add("ALLA", "ALA")
add("ZHANNA", "ZHANA")
add("SAAD", "SAD")
add("BAUIRZHAN", "BAURZHAN")
add("AAAAAAAAAAAAAAAAAAAA", "A")
# the match window (floor(longer / 2) - 1) decides
add("AXXXXX", "YYYAYY")
add("AXXXXX", "YYAYYY")
add("ABCDEFGHIJ", "XXXXXABCDE")
add("ABCDEFGHIJ", "XXXXABCDEF")
add("KAIRAT", "TARIAK")
add("ARMAN", "NAMRA")
add("DAUREN", "NERUAD")
add("ISAEV NURSULTAN", "NURSULTAN ISAEV")

# One letter Q moved from the start of a to place d in b (other letters
# never match): Q counts only when d lies within the window.
for (la in c(4, 5, 6, 7, 8, 10, 13))
  for (lb in unique(c(la, la + 3))) {
    w <- max(la, lb) %/% 2 - 1
    for (d in unique(pmax(0, pmin(lb - 1, c(w - 1, w, w + 1)))))
      add(paste0("Q", strrep("X", la - 1)),
          paste0(strrep("Y", d), "Q", strrep("Y", lb - 1 - d)))
  }

# --- Long strings: whole keys (given, patronymic, family) -------------------

full <- function() paste(sample(given, 1), sample(patronymic, 1), sample(family, 1))
for (i in 1:6) {
  x <- full()
  add(x, x)
}
for (i in 1:6) add(full(), full())
long <- paste(family[1:8], collapse = " ")
add(long, paste(rev(family[1:8]), collapse = " "))
add(long, sub("AKHMETOV", "AHMETOV", long))
longer <- paste(c(given[1:10], family[1:10]), collapse = " ")
add(longer, sub("NAZARBAEV", "NAZARBAYEV", longer))
add(longer, paste(c(given[2:11], family[2:11]), collapse = " "))
add(longer, substring(longer, 1, 60))

# --- Generated variants of real keys ---------------------------------------

letters_up <- LETTERS
# transliteration slips that really separate two spellings of one name
swaps <- list(c("KH", "H"), c("ZH", "J"), c("ZH", "Z"), c("Y", "I"),
              c("I", "Y"), c("E", "I"), c("O", "A"), c("U", "Y"),
              c("SH", "S"), c("CH", "TS"), c("AE", "AYE"), c("G", "GH"))
pos <- function(x) sample.int(nchar(x), 1)
delete1 <- function(x) {
  p <- pos(x)
  paste0(substring(x, 1, p - 1), substring(x, p + 1))
}
insert1 <- function(x) {
  p <- sample.int(nchar(x) + 1, 1)
  paste0(substring(x, 1, p - 1), sample(letters_up, 1), substring(x, p))
}
substitute1 <- function(x) {
  p <- pos(x)
  paste0(substring(x, 1, p - 1), sample(setdiff(letters_up, substr(x, p, p)), 1),
         substring(x, p + 1))
}
swap_adjacent <- function(x) {
  if (nchar(x) < 2) return(x)
  p <- sample.int(nchar(x) - 1, 1)
  paste0(substring(x, 1, p - 1), substr(x, p + 1, p + 1), substr(x, p, p),
         substring(x, p + 2))
}
double1 <- function(x) {
  p <- pos(x)
  paste0(substring(x, 1, p), substring(x, p))
}
truncate_end <- function(x) substring(x, 1, max(1, nchar(x) - sample(1:3, 1)))
spelling <- function(x) {
  hits <- Filter(function(s) grepl(s[1], x, fixed = TRUE), swaps)
  if (!length(hits)) return(substitute1(x))
  s <- hits[[sample.int(length(hits), 1)]]
  sub(s[1], s[2], x, fixed = TRUE)
}
ops <- list(delete1, insert1, substitute1, swap_adjacent, double1,
            truncate_end, spelling)

for (i in 1:180) {
  k <- sample(keys, 1)
  v <- ops[[sample.int(length(ops), 1)]](k)
  add(k, v)
}
for (i in 1:55) {
  k <- sample(keys, 1)
  v <- k
  for (j in 1:2) v <- ops[[sample.int(length(ops), 1)]](v)
  add(k, v)
}
# whole keys longer than 40 letters (double family names), each with a
# slip somewhere
long_full <- function() {
  repeat {
    x <- paste(full(), sample(family, 1))
    if (nchar(x) > 40) return(x)
  }
}
for (i in 1:12) {
  x <- long_full()
  add(x, ops[[sample.int(length(ops), 1)]](x))
}
for (i in 1:4) add(long_full(), long_full())
# different names of one role: the pairs a linker has to keep apart
for (i in 1:40) {
  pool <- list(given, patronymic, family)[[sample.int(3, 1)]]
  xy <- sample(pool, 2)
  add(xy[1], xy[2])
}

# --- Write ------------------------------------------------------------------

keep <- !duplicated(paste(a, b, sep = ","))
a <- a[keep]
b <- b[keep]
stopifnot(all(grepl("^[A-Z ]*$", c(a, b))))
jw <- 1 - stringdist(a, b, method = "jw", p = 0.1)
stopifnot(!anyNA(jw))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grepl("^--file=", args)])
dir <- if (length(script)) dirname(script) else "tests/unit/link"
out <- file.path(dir, "jw-fixture.csv")
con <- file(out, open = "wb")
writeLines(c("a,b,jw", sprintf("%s,%s,%.15g", a, b, jw)), con, sep = "\n")
close(con)
message("wrote ", length(a), " pairs to ", out)
