package dev.faultline.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layout is the pipeline, and stays so: cli → report → analysis → httpd → core and capture → model →
 * trace → linux, each layer using only those below it; no cycles between packages; JNA only in capture.jna.
 */
class LayeringTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.faultline");
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("dev.faultline.cli..")
                .layer("report").definedBy("dev.faultline.report..")
                .layer("analysis").definedBy("dev.faultline.analysis..")
                .layer("httpd").definedBy("dev.faultline.httpd..")
                .layer("core").definedBy("dev.faultline.core..")
                .layer("capture").definedBy("dev.faultline.capture..")
                .layer("model").definedBy("dev.faultline.model..")
                .layer("trace").definedBy("dev.faultline.trace..")
                .layer("linux").definedBy("dev.faultline.linux..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("report").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("analysis").mayOnlyBeAccessedByLayers("report", "cli")
                .whereLayer("httpd").mayOnlyBeAccessedByLayers("analysis", "report", "cli")
                .whereLayer("core").mayOnlyBeAccessedByLayers("httpd", "analysis", "report", "cli")
                .whereLayer("capture").mayOnlyBeAccessedByLayers("httpd", "analysis", "report", "cli")
                .whereLayer("model").mayOnlyBeAccessedByLayers("capture", "httpd", "analysis", "report", "cli")
                .whereLayer("trace").mayOnlyBeAccessedByLayers("model", "capture", "core", "httpd", "analysis", "report", "cli")
                .check(main);
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("dev.faultline.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void coreKnowsNothingOfCaptureOrHttpd() {
        // a core file is read the same whether or not a live tracer exists: core knows nothing of capture
        noClasses().that().resideInAPackage("dev.faultline.core..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.faultline.capture..", "dev.faultline.httpd..").check(main);
    }

    @Test
    void jnaOnlyInCaptureJna() {
        noClasses().that().resideOutsideOfPackage("dev.faultline.capture.jna..").should().dependOnClassesThat()
                .resideInAPackage("com.sun.jna..")
                .because("one small package owns the native binding (the rest of faultline is plain Java)")
                .check(main);
    }

    @Test
    void theLivePathParsesNoStraceText() {
        // registers become events directly (capture.LiveDecoder); text is only written, for the strace log
        noClasses().that().resideInAPackage("dev.faultline.capture..").or().haveFullyQualifiedName("dev.faultline.cli.LiveRun")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.faultline.trace.StraceParser")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.faultline.trace.LineSource")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.faultline.trace.CallText")
                .because("the live decoder yields typed events; no strace text is parsed back on the live path")
                .check(main);
    }
}
