package com.cataloghooks.testsupport;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Chromium (Debian's {@code chromium} and {@code chromium-driver}, headless) driven as a person would: it
 * clicks and types; it makes no API call of its own. Screenshots go to {@code target/console-screenshots/};
 * {@link #assertAccessible(String)} runs axe-core in the page.
 * <p>
 * Without Chromium the console's tests are skipped, loudly; {@code .ci/run} installs it and sets
 * {@code CATALOG_REQUIRE_BROWSER}, so there a missing browser fails the build instead.
 */
public final class Browser implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ChromeDriver driver;
    private final String base;
    private final WebDriverWait wait;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        // htmx swaps parts of the page under a waiting condition: an element found a moment ago may be gone, which
        // means "not yet", not a failure
        this.wait = (WebDriverWait) new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class);
    }

    /** Opens Chromium at 1280 × 900 on the service at {@code base}; skips the test, loudly, without Chromium. */
    public static Browser open(URL base) {
        File chromium = executable("CHROMIUM_BIN", "/usr/bin/chromium");
        File chromedriver = executable("CHROMEDRIVER_BIN", "/usr/bin/chromedriver");
        if (chromium == null || chromedriver == null) {
            String message = "\n\n*** CONSOLE BROWSER TESTS SKIPPED: Chromium not found (" + (chromium == null ? "chromium" : "chromedriver")
                    + " missing). Install it with: apt-get install chromium chromium-driver (.ci/run does). ***\n";
            System.err.println(message);
            if (System.getenv("CATALOG_REQUIRE_BROWSER") != null) {
                throw new IllegalStateException(message + " (CATALOG_REQUIRE_BROWSER is set: .ci/run must install it)");
            }
            Assumptions.abort(message);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en-US", "--disable-extensions", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, base.toString());
    }

    private static File executable(String variable, String fallback) {
        String path = System.getenv().getOrDefault(variable, fallback);
        File file = new File(path);
        return file.canExecute() ? file : null;
    }

    public WebDriver driver() {
        return driver;
    }

    public Browser go(String path) {
        driver.get(base + path);
        return this;
    }

    public String path() {
        return URL_PATH.apply(driver.getCurrentUrl());
    }

    private static final Function<String, String> URL_PATH = url -> {
        try {
            URL parsed = new URL(url);
            return parsed.getPath() + (parsed.getQuery() == null ? "" : "?" + parsed.getQuery());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };

    /** Signs in through the sign-in page, as a person: types the key and presses the button. */
    public Browser signIn(String key) {
        go("/login");
        type(By.id("credential"), key);
        click(By.cssSelector("form button[type=submit]"));
        wait.until(d -> !URL_PATH.apply(d.getCurrentUrl()).startsWith("/login"));
        return this;
    }

    public Browser signOut() {
        click(By.id("sign-out"));
        wait.until(d -> URL_PATH.apply(d.getCurrentUrl()).startsWith("/login"));
        return this;
    }

    public WebElement find(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    public boolean present(By by) {
        return !driver.findElements(by).isEmpty();
    }

    public Browser click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
        return this;
    }

    /**
     * Clicks something that loads a new page (a link, a GET form's button) and waits until the new page has
     * replaced the old one: reading right after a plain click could still read the old page.
     */
    public Browser clickAndLoad(By by) {
        WebElement page = driver.findElement(By.tagName("html"));
        click(by);
        wait.until(ExpectedConditions.stalenessOf(page));
        wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        return this;
    }

    public Browser type(By by, String text) {
        WebElement field = find(by);
        field.clear();
        field.sendKeys(text);
        return this;
    }

    public <T> T await(Function<WebDriver, T> condition) {
        return wait.until(condition::apply);
    }

    public Browser awaitText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return this;
    }

    /** Accepts the page's {@code confirm()} dialog (htmx's {@code hx-confirm}). */
    public Browser acceptConfirm() {
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        return this;
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    public Browser width(int width) {
        driver.manage().window().setSize(new Dimension(width, 900));
        return this;
    }

    /** Saves a screenshot of the viewport as {@code target/console-screenshots/<name>.png}. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** axe-core (WCAG 2.1 A and AA rules) in this page: fails on any serious or critical violation. */
    public Browser assertAccessible(String page) {
        Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze(driver);
        List<Rule> serious = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .toList();
        String report = serious.stream().map(rule -> rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " at "
                        + rule.getNodes().stream().map(node -> String.valueOf(node.getTarget())).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("\n"));
        assertTrue(serious.isEmpty(), "axe-core on " + page + ":\n" + report);
        assertTrue(results.getPasses().size() > 10, "axe-core ran no rule on " + page + ": " + results.getPasses().size());
        return this;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
