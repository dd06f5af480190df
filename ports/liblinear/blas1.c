/* The four level-1 BLAS routines LIBLINEAR's trust-region Newton solver (tron.cpp) calls, with the
   Fortran calling convention it declares (arguments by pointer, trailing underscore). Debian's
   source package is "+dfsg": upstream's bundled copy of these (blas/) is removed and Debian links
   its Fortran reference BLAS (libblas), which does not build for wasm32. Both builds of the port,
   g++ and 'arca c++', link this same file, so they compute the same sums in the same order. */

double ddot_(const int *n, const double *x, const int *incx, const double *y, const int *incy) {
    double sum = 0;
    int ix = *incx >= 0 ? 0 : (1 - *n) * *incx, iy = *incy >= 0 ? 0 : (1 - *n) * *incy;
    for (int i = 0; i < *n; i++, ix += *incx, iy += *incy) sum += x[ix] * y[iy];
    return sum;
}

int daxpy_(const int *n, const double *a, const double *x, const int *incx, double *y, const int *incy) {
    if (*n <= 0 || *a == 0) return 0;
    int ix = *incx >= 0 ? 0 : (1 - *n) * *incx, iy = *incy >= 0 ? 0 : (1 - *n) * *incy;
    for (int i = 0; i < *n; i++, ix += *incx, iy += *incy) y[iy] += *a * x[ix];
    return 0;
}

int dscal_(const int *n, const double *a, double *x, const int *incx) {
    if (*n <= 0 || *incx <= 0) return 0;
    for (int i = 0, ix = 0; i < *n; i++, ix += *incx) x[ix] *= *a;
    return 0;
}

/* The Euclidean norm without overflow or underflow in the squares: a running scale (the largest
   magnitude so far) and the sum of squares relative to it. */
double dnrm2_(const int *n, const double *x, const int *incx) {
    if (*n < 1 || *incx < 1) return 0;
    double scale = 0, ssq = 1;
    for (int i = 0, ix = 0; i < *n; i++, ix += *incx) {
        if (x[ix] == 0) continue;
        double v = x[ix] < 0 ? -x[ix] : x[ix];
        if (scale < v) {
            double r = scale / v;
            ssq = 1 + ssq * r * r;
            scale = v;
        } else {
            double r = v / scale;
            ssq += r * r;
        }
    }
    return scale * __builtin_sqrt(ssq);
}
