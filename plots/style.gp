# discsim figure style for gnuplot: readable on a projector and in a two-column paper.
# Colour-blind-safe palette (Okabe & Ito 2008), one line type per series.
# Use:  load 'plots/style.gp'
set encoding utf8
set termoption noenhanced   # every text is drawn as written (labels from files included)
set border 3 lw 1.2
set tics nomirror out scale 0.6
set grid lc rgb '#d9d9d9' lw 0.8
set key noautotitle top right samplen 2 spacing 1.1 nobox
set linetype 1 lc rgb '#0072B2' lw 2.2 pt 7 ps 0.8   # blue
set linetype 2 lc rgb '#D55E00' lw 2.2 pt 5 ps 0.8   # vermillion
set linetype 3 lc rgb '#009E73' lw 2.2 pt 9 ps 0.9   # bluish green
set linetype 4 lc rgb '#CC79A7' lw 2.2 pt 11 ps 0.9  # reddish purple
set linetype 5 lc rgb '#E69F00' lw 2.2 pt 13 ps 0.9  # orange
set linetype 6 lc rgb '#56B4E9' lw 2.2 pt 15 ps 0.9  # sky blue
set linetype 7 lc rgb '#F0E442' lw 2.2 pt 4 ps 0.9   # yellow
set linetype 8 lc rgb '#000000' lw 2.2 pt 6 ps 0.9   # black
set linetype cycle 8
