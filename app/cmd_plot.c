/* discsim plot: the figures an output file supports, through gnuplot. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage_plot(FILE *out)
{
    fprintf(out,
            "Usage: discsim plot OUT.h5 [-o DIR] [--format png|svg|pdf] [--figure NAME]... [--size WxH]\n"
            "                           [--window A..B] [--arm NAME] [--title TEXT] [--font-scale F] [--keep-script]\n"
            "       discsim plot BENCH.csv [-o DIR] [--format png|svg|pdf] [--size WxH]\n\n"
            "Draws the figures an output file supports, through gnuplot, and lists what it wrote:\n"
            "  day        nucleus pressure and disc height per level, postures shaded\n"
            "  root       nerve-root contact pressure, thresholds, massage shaded, arms overlaid\n"
            "  effect     each arm minus the reference: time course and change of the key metrics\n"
            "  dose       dose-response of a sweep\n"
            "  muscles    muscle forces (stacked) and their share of the disc load\n"
            "  schematic  the herniated segment at four times, and an animated GIF over the day\n"
            "A figure the file has no data for is skipped with a one-line reason.\n"
            "A .csv file from bench_precision --csv gives the work-precision figure (work_precision):\n"
            "each solver's error against its simulation time per subject-day, log-log.\n\n"
            "  -o, --output DIR    folder for the figures (default: figures)\n"
            "  --format FMT        png (default), svg or pdf\n"
            "  --figure NAME       only this figure (repeatable)\n"
            "  --size WxH          size in pixels (default 1200x800)\n"
            "  --window A..B       the time shown: from the start (50h..54h) or clock times ('day 3 09:00..day 3\n"
            "                      14:00'); default: the last day\n"
            "  --arm NAME          the arm drawn by day, muscles and schematic (default: the first after the\n"
            "                      reference, where the massage is), and the only one beside the\n"
            "                      reference in root and effect\n"
            "  --title TEXT        the figures' title instead of the scenario name and what is shown\n"
            "  --font-scale F      type F times the default size (0.5 to 4; e.g. 1.5 for a lecture hall)\n"
            "  --keep-script       keep each figure's gnuplot script and data beside it (root.png.gp and\n"
            "                      root.png.data/): cd DIR && gnuplot root.png.gp draws it again\n"
            "  --gnuplot PROGRAM   gnuplot to run (default: gnuplot on PATH)\n\n%s",
            ds_cli_exit_codes);
}

int ds_cmd_plot(int argc, char **argv)
{
    ds_plot_opts o = {.out_dir = "figures", .format = "png", .log = stdout};
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            usage_plot(stdout);
            return 0;
        } else if ((!strcmp(s, "-o") || !strcmp(s, "--output")) && i + 1 < argc)
            o.out_dir = argv[++i];
        else if (!strcmp(s, "--format") && i + 1 < argc)
            o.format = argv[++i];
        else if (!strcmp(s, "--gnuplot") && i + 1 < argc)
            o.gnuplot = argv[++i];
        else if (!strcmp(s, "--figure") && i + 1 < argc && o.nfigure < DS_PLOT_MAX_FIGURES)
            o.figure[o.nfigure++] = argv[++i];
        else if (!strcmp(s, "--window") && i + 1 < argc)
            o.window = argv[++i];
        else if (!strcmp(s, "--arm") && i + 1 < argc)
            o.arm = argv[++i];
        else if (!strcmp(s, "--title") && i + 1 < argc)
            o.title = argv[++i];
        else if (!strcmp(s, "--keep-script"))
            o.keep_script = 1;
        else if (!strcmp(s, "--font-scale") && i + 1 < argc) {
            char *end;
            o.font_scale = strtod(argv[++i], &end);
            if (*end || !(o.font_scale >= 0.5 && o.font_scale <= 4.0))
                return ds_cli_usage_error("plot", NULL, NULL, "--font-scale expects a factor from 0.5 to 4, got '%s'",
                                          argv[i]);
        }
        else if (!strcmp(s, "--size") && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", &o.width, &o.height) != 2 || o.width < 100 || o.height < 100 ||
                o.width > 8000 || o.height > 8000)
                return ds_cli_usage_error("plot", NULL, NULL, "--size expects WxH in pixels, e.g. 1200x800, got '%s'",
                                          argv[i]);
        } else if (s[0] == '-') {
            static const char *const opts[] = {"--output", "--format", "--gnuplot", "--figure", "--size", "--window",
                                               "--arm", "--title", "--font-scale", "--keep-script", "--help", NULL};
            return ds_cli_usage_error("plot", s, opts, "unknown option '%s' (or it needs a value)", s);
        } else if (file) {
            return ds_cli_usage_error("plot", NULL, NULL, "unexpected argument '%s' (one file at a time)", s);
        } else
            file = s;
    }
    if (!file)
        return ds_cli_usage_error("plot", NULL, NULL, "no output file given");
    int nw;
    ds_error err = {0};
    const size_t len = strlen(file);
    const int csv = len > 4 && !strcmp(file + len - 4, ".csv"); /* a benchmark's table */
    ds_status st = csv ? ds_plot_work_precision(file, &o, &nw, &err) : ds_plot_file(file, &o, &nw, &err);
    if (st) {
        fprintf(stderr, "discsim: %s\n", err.msg);
        return st;
    }
    printf("discsim: %d figure file%s in %s\n", nw, nw == 1 ? "" : "s", o.out_dir);
    return 0;
}
