package io.busbar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver (both given by path, so Selenium never looks for
 * or downloads a driver or a browser). Each browser has a fresh profile, deleted on {@link #close()}.
 *
 * <p>{@link #requireChromium()} skips the calling tests with a message where Chromium is not installed, except in
 * CI ({@code CI=true}), where its absence fails them: {@code .ci/run} installs it.
 */
public final class Browser implements AutoCloseable {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Selenium logs through java.util.logging; held here, since the log manager keeps loggers only weakly. */
  private static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");
  /** How long a test waits for the page to show something. */
  public static final Duration WAIT = Duration.ofSeconds(15);

  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Skips (outside CI) or fails (in CI) unless Chromium and chromedriver are installed. */
  public static void requireChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(present, "Chromium is not installed (apt-get install chromium chromium-driver): "
          + "skipping the dashboard's browser tests");
    }
    assertThat(present).as("chromium and chromium-driver are required in CI (.ci/run installs them)").isTrue();
  }

  /** A headless browser with a window of {@code width} × {@code height} CSS pixels. */
  public static Browser open(int width, int height) {
    // Selenium's notes (about CDP versions and the like) are not test failures; its errors still show.
    SELENIUM_LOG.setLevel(Level.SEVERE);
    Path profile;
    try {
      profile = Files.createTempDirectory("busbar-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions", "--force-color-profile=srgb", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    service.sendOutputTo(OutputStream.nullOutputStream());
    return new Browser(new ChromeDriver(service, options), profile);
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void get(String url) {
    driver.get(url);
  }

  /** Waits (polling every 50 ms, at most {@link #WAIT}) until {@code condition} holds. */
  public void until(String what, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).withMessage(what).until(d -> condition.getAsBoolean());
  }

  /** Clicks the element, finding it again if the page re-rendered it meanwhile. */
  public void click(String css) {
    until("clicking " + css, () -> {
      try {
        find(css).click();
        return true;
      } catch (StaleElementReferenceException e) {
        return false;
      }
    });
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  public List<WebElement> findAll(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Runs a script in the page and returns its result. */
  public Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The browser console's error-level entries so far, and the page's own collection of uncaught errors. */
  public List<String> errors() {
    Stream<String> console = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage);
    Object collected = script("return window.__busbarErrors || [];");
    Stream<String> page = collected instanceof List<?> list ? list.stream().map(String::valueOf) : Stream.empty();
    return Stream.concat(console, page).toList();
  }

  /** Saves a screenshot of the whole page, resizing the window to the page's height first. */
  public void screenshot(Path file, int width) {
    Dimension before = driver.manage().window().getSize();
    Number height = (Number) script("return document.documentElement.scrollHeight;");
    driver.manage().window().setSize(new Dimension(width, Math.min(6000, height.intValue())));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A leftover temporary profile is harmless.
      }
    }
  }
}
