using ContainerTools.Runtime.Build.Dockerfile;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Tests.Build;

public sealed class DockerfileParserTests
{
    [Fact]
    public void Continuations_comments_and_empty_continuation_lines_join_into_one_instruction()
    {
        var document = DockerfileParser.Parse("FROM busybox\nRUN echo a \\\n# a comment inside\n\n    && echo b\n\n# trailing\nCMD [\"sh\"]\n");
        Assert.Equal(3, document.Lines.Count);
        var run = document.Lines[1];
        Assert.Equal("RUN", run.Keyword);
        Assert.Equal("echo a     && echo b", run.Arguments);
        Assert.Equal(2, run.StartLine);
        Assert.Equal(5, run.EndLine);
        Assert.Equal(8, document.Lines[2].StartLine);
    }

    [Fact]
    public void Escape_directive_switches_the_continuation_character()
    {
        var document = DockerfileParser.Parse("# escape=`\n# syntax=docker/dockerfile:1\nFROM busybox\nRUN dir c:\\ `\n  && echo x\n");
        Assert.Equal('`', document.EscapeToken);
        Assert.Equal("docker/dockerfile:1", document.Syntax);
        Assert.Equal("dir c:\\   && echo x", document.Lines[1].Arguments);
    }

    [Fact]
    public void Directives_after_a_comment_are_comments()
    {
        var document = DockerfileParser.Parse("# hello\n# escape=`\nFROM busybox\nRUN a \\\n b\n");
        Assert.Equal('\\', document.EscapeToken);
        Assert.Equal("a  b", document.Lines[1].Arguments);
    }

    [Fact]
    public void Bad_escape_directive_names_file_and_line()
    {
        var error = Assert.Throws<ContainerToolsException>(() => DockerfileParser.Parse("# escape=x\nFROM a\n", "ctx/Dockerfile"));
        Assert.Contains("ctx/Dockerfile:1", error.Message);
    }

    [Fact]
    public void Heredocs_are_read_for_run_and_copy()
    {
        var text = "FROM busybox\nRUN <<EOF\necho one\necho two\nEOF\nCOPY <<-\"END\" /etc/x\n\tliteral $HOME\n\tEND\nCMD x\n";
        var document = DockerfileParser.Parse(text);
        Assert.Equal(4, document.Lines.Count);
        var run = document.Lines[1];
        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal("EOF", heredoc.Name);
        Assert.Equal("echo one\necho two\n", heredoc.Content);
        Assert.True(heredoc.Expand);
        var copy = document.Lines[2].Heredocs.Single();
        Assert.Equal("literal $HOME\n", copy.Content);
        Assert.False(copy.Expand);
        Assert.True(copy.StripTabs);
        Assert.Equal(9, document.Lines[3].StartLine);
    }

    [Fact]
    public void Unterminated_heredoc_is_an_error_on_its_line()
    {
        var error = Assert.Throws<ContainerToolsException>(() => DockerfileParser.Parse("FROM a\nRUN <<EOF\necho\n"));
        Assert.Contains("Dockerfile:2: RUN", error.Message);
        Assert.Contains("EOF", error.Message);
    }

    [Fact]
    public void Unknown_instruction_names_file_line_and_instruction()
    {
        var error = Assert.Throws<ContainerToolsException>(() => BuildPlan.Parse("FROM a\n\nFROOM b\n", "my/Dockerfile"));
        Assert.Equal("UnknownInstruction", error.ErrorId);
        Assert.Contains("my/Dockerfile:3", error.Message);
        Assert.Contains("FROOM", error.Message);
    }

    [Fact]
    public void Unknown_flag_is_an_error()
    {
        var error = Assert.Throws<ContainerToolsException>(() => BuildPlan.Parse("FROM a\nCOPY --frm=x a b\n"));
        Assert.Equal("UnknownFlag", error.ErrorId);
        Assert.Contains("Dockerfile:2: COPY", error.Message);
        Assert.Contains("--frm", error.Message);
    }

    [Fact]
    public void Instructions_parse_into_their_records()
    {
        var plan = BuildPlan.Parse("""
            ARG BASE=busybox
            FROM --platform=linux/amd64 ${BASE} AS Build
            RUN --mount=type=cache,target=/c --mount=type=tmpfs,target=/t --network=none make
            RUN ["echo", "exec form"]
            CMD echo hi
            ENTRYPOINT ["/bin/sh", "-c"]
            ENV A=1 B="two words" C
            ENV LEGACY the rest of the line
            LABEL "com.example"="v" other=x
            EXPOSE 80/tcp 53/udp
            VOLUME ["/data", "/logs"]
            VOLUME /a /b
            USER nobody:nogroup
            WORKDIR /app
            COPY --from=0 --chown=1:2 --chmod=640 --link a b /dest/
            ADD --checksum=sha256:abc https://example.com/x /x
            ARG ONE TWO=2
            ONBUILD RUN echo triggered
            STOPSIGNAL SIGINT
            HEALTHCHECK --interval=5s --retries=3 CMD wget -q localhost
            SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
            MAINTAINER someone
            FROM build
            HEALTHCHECK NONE
            """.Replace("ENV A=1 B=\"two words\" C", "ENV A=1 B=\"two words\""));
        Assert.Single(plan.MetaArgs);
        Assert.Equal(2, plan.Stages.Count);
        var stage = plan.Stages[0];
        Assert.Equal("build", stage.Name);
        Assert.Equal("${BASE}", stage.From.Image);
        Assert.Equal("linux/amd64", stage.From.Platform);
        var i = stage.Instructions;
        var run = Assert.IsType<RunInstruction>(i[0]);
        Assert.Equal(2, run.Mounts.Count);
        Assert.Equal("none", run.Network);
        Assert.True(run.Command.ShellForm);
        Assert.Equal(["make"], run.Command.Words);
        Assert.Equal(["echo", "exec form"], Assert.IsType<RunInstruction>(i[1]).Command.Words);
        Assert.True(Assert.IsType<CmdInstruction>(i[2]).Command.ShellForm);
        Assert.False(Assert.IsType<EntrypointInstruction>(i[3]).Command.ShellForm);
        var env = Assert.IsType<EnvInstruction>(i[4]);
        Assert.Equal([new KeyValue("A", "1"), new KeyValue("B", "\"two words\"")], env.Variables);
        Assert.Equal([new KeyValue("LEGACY", "the rest of the line")], Assert.IsType<EnvInstruction>(i[5]).Variables);
        Assert.Equal("\"com.example\"", Assert.IsType<LabelInstruction>(i[6]).Labels[0].Key);
        Assert.Equal(["80/tcp", "53/udp"], Assert.IsType<ExposeInstruction>(i[7]).Ports);
        Assert.True(Assert.IsType<VolumeInstruction>(i[8]).JsonForm);
        Assert.Equal(["/a", "/b"], Assert.IsType<VolumeInstruction>(i[9]).Paths);
        Assert.Equal("nobody:nogroup", Assert.IsType<UserInstruction>(i[10]).User);
        Assert.Equal("/app", Assert.IsType<WorkdirInstruction>(i[11]).Path);
        var copy = Assert.IsType<CopyInstruction>(i[12]);
        Assert.Equal(("0", "1:2", "640", true), (copy.From, copy.Chown, copy.Chmod, copy.Link));
        Assert.Equal(["a", "b"], copy.Sources);
        Assert.Equal("/dest/", copy.Destination);
        var add = Assert.IsType<CopyInstruction>(i[13]);
        Assert.True(add.IsAdd);
        Assert.Equal("sha256:abc", add.Checksum);
        Assert.Equal([new ArgDeclaration("ONE", null), new ArgDeclaration("TWO", "2")], Assert.IsType<ArgInstruction>(i[14]).Arguments);
        Assert.Equal("RUN echo triggered", Assert.IsType<OnbuildInstruction>(i[15]).Trigger);
        Assert.Equal("SIGINT", Assert.IsType<StopsignalInstruction>(i[16]).Signal);
        var health = Assert.IsType<HealthcheckInstruction>(i[17]);
        Assert.Equal(["CMD-SHELL", "wget -q localhost"], health.Test);
        Assert.Equal(("5s", "3"), (health.Interval, health.Retries));
        Assert.Equal(["/bin/ash", "-eo", "pipefail", "-c"], Assert.IsType<ShellInstruction>(i[18]).Shell);
        Assert.Equal("someone", Assert.IsType<MaintainerInstruction>(i[19]).Maintainer);
        Assert.Equal(["NONE"], Assert.IsType<HealthcheckInstruction>(plan.Stages[1].Instructions[0]).Test);
        Assert.Equal(0, plan.FindStage("BUILD")!.Index);
        Assert.Equal(1, plan.FindStage("1")!.Index);
    }

    [Theory]
    [InlineData("RUN echo\nFROM a", "NoFromInstruction")]
    [InlineData("FROM a AS x\nFROM b AS x", "DuplicateStageName")]
    [InlineData("FROM a\nCOPY onlyone", "DockerfileSyntax")]
    [InlineData("FROM a\nSHELL sh -c", "DockerfileSyntax")]
    [InlineData("FROM a\nONBUILD FROM b", "DockerfileSyntax")]
    [InlineData("FROM a\nADD --checksum=sha256:x a b", "BadFlag")]
    [InlineData("FROM a\nCOPY --chown a b", "BadFlag")]
    [InlineData("", "NoFromInstruction")]
    public void Bad_dockerfiles_fail_with_a_specific_error(string text, string errorId)
    {
        var error = Assert.Throws<ContainerToolsException>(() => BuildPlan.Parse(text));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains("Dockerfile:", error.Message);
    }
}
