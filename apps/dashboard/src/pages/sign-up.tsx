import { SignInChoice } from "../components/sign-in-choice.tsx";

export default function SignUp() {
  return <SignInChoice mode="sign-up" />;
}
