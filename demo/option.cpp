// The demo's option desk: QuantLib 1.29 (ports/quantlib, Debian's source, unmodified) prices a
// one-year put on a dividend-paying stock, European and American, with several of its engines,
// then the Greeks, a spot ladder (the quote moves, every instrument that observes it reprices)
// and a bad market quote, which QuantLib rejects with its own exception (QuantLib::Error, thrown
// inside the library and caught here: C++ exceptions in Arca).
// Built with 'arca c++' against the cached libQuantLib.a (demo/run.sh); tests/ports/quantlib.sh
// compares its output with the g++ build's.
#include <ql/exercise.hpp>
#include <ql/instruments/vanillaoption.hpp>
#include <ql/pricingengines/vanilla/analyticeuropeanengine.hpp>
#include <ql/pricingengines/vanilla/baroneadesiwhaleyengine.hpp>
#include <ql/pricingengines/vanilla/binomialengine.hpp>
#include <ql/pricingengines/vanilla/bjerksundstenslandengine.hpp>
#include <ql/pricingengines/vanilla/fdblackscholesvanillaengine.hpp>
#include <ql/pricingengines/vanilla/mceuropeanengine.hpp>
#include <ql/processes/blackscholesprocess.hpp>
#include <ql/quotes/simplequote.hpp>
#include <ql/termstructures/volatility/equityfx/blackconstantvol.hpp>
#include <ql/termstructures/yield/flatforward.hpp>
#include <ql/time/calendars/target.hpp>
#include <ql/time/daycounters/actual365fixed.hpp>
#include <ql/version.hpp>
#include <cstdio>
#include <sstream>
#include <string>

using namespace QuantLib;

static void row(const std::string &engine, VanillaOption *european, VanillaOption *american) {
    std::printf("  %-40s", engine.c_str());
    if (european) std::printf("%12.6f", european->NPV()); else std::printf("%12s", "-");
    if (american) std::printf("%12.6f", american->NPV()); else std::printf("%12s", "-");
    std::printf("\n");
}

int main() {
    Date today(4, December, 2026);
    Settings::instance().evaluationDate() = today;
    Date maturity = today + 1 * Years;
    Calendar calendar = TARGET();
    DayCounter dayCounter = Actual365Fixed();
    Real strike = 100.0;

    auto spot = ext::make_shared<SimpleQuote>(100.0);
    Handle<YieldTermStructure> rates(ext::make_shared<FlatForward>(today, 0.04, dayCounter));
    Handle<YieldTermStructure> dividends(ext::make_shared<FlatForward>(today, 0.02, dayCounter));
    Handle<BlackVolTermStructure> volatility(
        ext::make_shared<BlackConstantVol>(today, calendar, 0.25, dayCounter));
    auto process = ext::make_shared<BlackScholesMertonProcess>(Handle<Quote>(spot), dividends, rates,
                                                               volatility);

    auto payoff = ext::make_shared<PlainVanillaPayoff>(Option::Put, strike);
    VanillaOption european(payoff, ext::make_shared<EuropeanExercise>(maturity));
    VanillaOption american(payoff, ext::make_shared<AmericanExercise>(today, maturity));

    std::ostringstream expiry;
    expiry << io::iso_date(maturity);
    std::printf("QuantLib %s: a put, strike 100, spot 100, 1 year (to %s), vol 25%%, rate 4%%, dividend 2%%\n",
                QL_VERSION, expiry.str().c_str());
    std::printf("  %-40s%12s%12s\n", "engine", "European", "American");

    european.setPricingEngine(ext::make_shared<AnalyticEuropeanEngine>(process));
    row("Black-Scholes, analytic", &european, nullptr);
    american.setPricingEngine(ext::make_shared<BaroneAdesiWhaleyApproximationEngine>(process));
    row("Barone-Adesi/Whaley approximation", nullptr, &american);
    american.setPricingEngine(ext::make_shared<BjerksundStenslandApproximationEngine>(process));
    row("Bjerksund/Stensland approximation", nullptr, &american);
    auto fd = ext::make_shared<FdBlackScholesVanillaEngine>(process, 400, 399);
    european.setPricingEngine(fd);
    american.setPricingEngine(fd);
    row("finite differences, 400 x 399", &european, &american);
    auto crr = ext::make_shared<BinomialVanillaEngine<CoxRossRubinstein>>(process, 801);
    european.setPricingEngine(crr);
    american.setPricingEngine(crr);
    row("binomial tree (Cox-Ross-Rubinstein), 801", &european, &american);
    european.setPricingEngine(MakeMCEuropeanEngine<PseudoRandom>(process)
                                  .withSteps(1).withSamples(100000).withSeed(42));
    row("Monte Carlo, 100,000 paths, seed 42", &european, nullptr);
    std::printf("  %-40s%12.6f\n", "  its standard error", european.errorEstimate());

    european.setPricingEngine(ext::make_shared<AnalyticEuropeanEngine>(process));
    std::printf("Greeks of the European put (analytic): delta %.6f, gamma %.6f, vega %.6f, theta/day %.6f\n",
                european.delta(), european.gamma(), european.vega(), european.thetaPerDay());

    std::printf("Spot ladder (American, finite differences): the quote moves, the option reprices\n");
    american.setPricingEngine(fd);
    for (Real s = 80.0; s <= 120.0; s += 10.0) {
        spot->setValue(s);
        std::printf("  spot %6.2f  NPV %10.6f  delta %9.6f\n", s, american.NPV(), american.delta());
    }
    spot->setValue(100.0);

    std::printf("A bad quote: spot -5\n");
    spot->setValue(-5.0);
    try {
        std::printf("  NPV %.6f\n", european.NPV());
        std::printf("  (no error: wrong)\n");
        return 1;
    } catch (const Error &e) {
        std::printf("  QuantLib::Error caught: %s\n", e.what());
    }
    return 0;
}
