import { Children, isValidElement, type ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkBreaks from "remark-breaks";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./code-block.tsx";

/** The text and language of a fenced block: react-markdown renders it as <pre><code class="language-x">. */
function fencedCode(children: ReactNode): { code: string; language: string | undefined } {
  const child = Children.toArray(children)[0];
  if (!isValidElement<{ className?: string; children?: ReactNode }>(child)) return { code: "", language: undefined };
  const language = /language-([\w+-]+)/.exec(child.props.className ?? "")?.[1];
  const code = Children.toArray(child.props.children).join("").replace(/\n$/, "");
  return { code, language };
}

const components: Components = {
  pre: ({ children }) => {
    const { code, language } = fencedCode(children);
    return <CodeBlock code={code} language={language} />;
  },
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
  img: ({ alt }) => <span>{alt ? `[image: ${alt}]` : "[image]"}</span>,
};

const plugins = [remarkGfm, remarkBreaks];

/**
 * Agent and user text as GitHub-flavoured markdown, where a single line break stays a line
 * break (remark-breaks: logs and terminal output keep their lines). Raw HTML is never rendered (react-markdown escapes
 * it without rehype-raw), links are sanitized by its default urlTransform, and images are not
 * loaded: an agent's output must not make the browser fetch arbitrary URLs.
 */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={plugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
